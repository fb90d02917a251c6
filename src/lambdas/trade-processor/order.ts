/**
 * One order as the API puts it on the queue, validated. The limit price stays a decimal
 * string end to end (numeric(20,8) in SQL): a float would not keep it exact.
 */
import { z } from 'zod';

/** Up to 12 integer digits and 8 decimals: what numeric(20, 8) holds. */
const DECIMAL = /^(0|[1-9]\d{0,11})(\.\d{1,8})?$/;

export const orderSchema = z.object({
  clientOrderId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/, 'must be letters, digits, . _ : -'),
  account: z
    .string()
    .min(1)
    .max(32)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ -'),
  symbol: z
    .string()
    .min(1)
    .max(16)
    .regex(/^[A-Z0-9][A-Z0-9./-]*$/, 'must be upper-case letters, digits, . / -'),
  side: z.enum(['buy', 'sell']),
  quantity: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  limitPrice: z
    .string({ error: 'must be a decimal string such as "101.25" (a JSON number would not stay exact)' })
    .regex(DECIMAL, 'must be a positive decimal with at most 12 integer digits and 8 decimals')
    .refine((s) => /[1-9]/.test(s), 'must be greater than zero'),
  timestamp: z.iso.datetime({ offset: true }),
});

export type Order = z.output<typeof orderSchema>;

export type ParsedMessage =
  | { readonly ok: true; readonly order: Order }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly issues: ReadonlyArray<{ path: string; message: string }>;
    };

/**
 * Parses one SQS message body. The reason never quotes the body: a malformed message may
 * carry anything, credentials included (JSON.parse's own message quotes the input, so
 * it is not used).
 */
export function parseOrderMessage(body: string): ParsedMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not valid JSON', issues: [] };
  }
  const result = orderSchema.safeParse(json);
  if (result.success) return { ok: true, order: result.data };
  const issues = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(body)',
    message: i.message,
  }));
  return {
    ok: false,
    reason: `invalid order: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
    issues,
  };
}
