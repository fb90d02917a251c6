/**
 * The API's Order model (what API Gateway's request validator checks) and the trade
 * processor's order contract must accept the same bodies: an order the API takes and
 * the processor refuses would be acknowledged to the client and then dead-lettered.
 * The model is checked with the draft-4 validator of the sandbox's API Gateway stand-in.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syntheticOrder } from '../../src/core/drill/orders.js';
import { checkKeywords, validates, type JsonSchema } from '../../src/sandbox/api-gateway.js';
import { ORDER_MODEL } from '../../src/infra/platform-definitions.js';
import { parseOrderMessage } from '../../src/lambdas/trade-processor/order.js';

const model = ORDER_MODEL as unknown as JsonSchema;
const valid = JSON.parse(syntheticOrder('drill-1-p-o-00001', 1)) as Record<string, unknown>;
const variant = (change: Record<string, unknown>, drop?: string) => {
  const body: Record<string, unknown> = { ...valid, ...change };
  if (drop) delete body[drop];
  return body;
};

describe('Order model (API) and order contract (trade processor)', () => {
  it('uses only keywords the validator knows', () => {
    assert.doesNotThrow(() => checkKeywords(model));
  });

  const cases: Array<[string, Record<string, unknown>]> = [
    ['the drill synthetic order', valid],
    ['a sell with 8 decimals', variant({ side: 'sell', limitPrice: '0.00000001' })],
    ['a timestamp with an offset', variant({ timestamp: '2026-11-25T10:00:00.123+01:00' })],
    ['upper-case side', variant({ side: 'BUY' })],
    ['a numeric limit price', variant({ limitPrice: 101.25 })],
    ['a fractional quantity', variant({ quantity: 1.5 })],
    ['a zero quantity', variant({ quantity: 0 })],
    ['no account', variant({}, 'account')],
    ['no clientOrderId', variant({}, 'clientOrderId')],
    ['no timestamp', variant({}, 'timestamp')],
    ['a lower-case symbol', variant({ symbol: 'drl' })],
    ['an id with a space', variant({ clientOrderId: 'a b' })],
    ['a 65-character id', variant({ clientOrderId: 'x'.repeat(65) })],
    ['nine decimals', variant({ limitPrice: '1.123456789' })],
    ['a timestamp without a zone', variant({ timestamp: '2026-11-25T10:00:00' })],
  ];
  for (const [name, body] of cases) {
    it(`agree on ${name}`, () => {
      const processor = parseOrderMessage(JSON.stringify(body)).ok;
      assert.equal(validates(model, body), processor, `model ≠ processor for ${JSON.stringify(body)}`);
    });
  }

  it('leaves to the processor only what draft 4 cannot say: a zero price, an impossible date', () => {
    for (const body of [variant({ limitPrice: '0.00' }), variant({ timestamp: '2026-13-45T10:00:00Z' })]) {
      assert.equal(validates(model, body), true);
      assert.equal(parseOrderMessage(JSON.stringify(body)).ok, false);
    }
  });
});
