/**
 * Paged calls, followed to their last page by the SDK v3 paginators (`paginateX`).
 *
 * A paginator needs a real SDK client (`createPaginator` checks `instanceof`), which the
 * narrow interfaces of src/aws/apis.ts hide on purpose: core takes a fake in tests. So
 * each service module offers its paginators under `PAGINATE`, the client factory
 * (src/aws/clients.ts) registers each client it builds with them, and `paginated(api)`
 * uses them for that very client. Anything else (a test's fake, or a wrapper around a
 * factory client such as `dr status`'s call trace, which must see every page as a call)
 * is followed through its call by the same tokens the SDK paginator follows, so core has
 * one way to page whatever it is given.
 *
 * No SDK import here: core loads this module on the `dr --help` path.
 */

/** Where a service module's client keeps its SDK paginators (a symbol: no call is named so). */
export const PAGINATE: unique symbol = Symbol('dr.aws.paginate');

/** A factory-built client's pages of `call`: the SDK paginator over the real client. */
export type Paginate = (call: string, input: object) => AsyncIterable<unknown>;

/**
 * The input and output token of each call `dr` pages through, as its SDK paginator
 * declares them (`createPaginator(Client, Command, inputToken, outputToken, …)`).
 */
const TOKENS = {
  getParametersByPath: ['NextToken', 'NextToken'],
  listHealthChecks: ['Marker', 'NextMarker'],
  describeAlarms: ['NextToken', 'NextToken'],
  getMetricData: ['NextToken', 'NextToken'],
  listEventSourceMappings: ['Marker', 'NextMarker'],
  getExecutionHistory: ['nextToken', 'nextToken'],
  getRestApis: ['position', 'position'],
} as const satisfies Record<string, readonly [input: string, output: string]>;

/** The clients built by the factory, each with its module's paginators (only these objects). */
const SDK_PAGINATED = new WeakMap<object, Paginate>();

/** Registers a factory-built client: `paginated(api)` pages it with the SDK paginators. */
export function usePaginators(api: object, paginate: Paginate): void {
  SDK_PAGINATED.set(api, paginate);
}

/** The calls `paginated(api)` offers (each has an SDK paginator). */
export type PagedCall = keyof typeof TOKENS;

type Call = (input: object) => Promise<object>;

/** `paginated(api).call(input)`: every page of `call`, in order, as an async generator. */
export type Pages<Api> = {
  readonly [K in keyof Api & PagedCall]: Api[K] extends (input: infer I) => Promise<infer O>
    ? (input: I) => AsyncGenerator<O, void, undefined>
    : never;
};

/**
 * The paged calls of `api`: `for await (const page of paginated(ssm).getParametersByPath({…}))`.
 * Breaking out of the loop (or returning from it) asks for no further page.
 */
export function paginated<Api extends object>(api: Api): Pages<Api> {
  const calls = Object.keys(TOKENS) as PagedCall[];
  return Object.fromEntries(
    calls.map((call) => [call, (input: object) => pagesOf(api, call, input)]),
  ) as unknown as Pages<Api>;
}

async function* pagesOf(
  api: object,
  call: PagedCall,
  input: object,
): AsyncGenerator<object, void, undefined> {
  const viaSdk = SDK_PAGINATED.get(api);
  if (viaSdk) {
    yield* viaSdk(call, input) as AsyncIterable<object>;
    return;
  }
  const send = (api as Record<string, unknown>)[call];
  if (typeof send !== 'function') throw new TypeError(`src/aws: the client given has no call ${call}`);
  yield* followTokens((i) => (send as Call).call(api, i), input, TOKENS[call]);
}

/** A stand-in's pages: what `createPaginator` does, token for token, through its call. */
async function* followTokens(
  send: Call,
  input: object,
  [inputToken, outputToken]: readonly [string, string],
): AsyncGenerator<object, void, undefined> {
  let token = (input as Record<string, unknown>)[inputToken];
  do {
    const page = await send({ ...input, [inputToken]: token });
    yield page;
    token = (page as Record<string, unknown>)[outputToken];
  } while (token);
}

type SdkPaginator<C> = (config: { client: C }, input: never) => AsyncIterable<unknown>;

/**
 * A service module's `PAGINATE`: its SDK paginators by call name, over `client`. A call
 * without one is a programming error, named as such.
 */
export function sdkPaginate<C>(client: C, paginators: Partial<Record<PagedCall, SdkPaginator<C>>>): Paginate {
  return (call, input) => {
    const paginate = paginators[call as PagedCall];
    if (!paginate) throw new TypeError(`src/aws: no paginator for ${call}; add it to its service module`);
    return paginate({ client }, input as never);
  };
}
