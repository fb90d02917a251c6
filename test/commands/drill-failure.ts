/**
 * Why a `dr drill --json` run did not exit as expected, in a few lines an assertion can
 * carry: each scenario that did not pass with its error and its failed objectives (what
 * was measured against what), then the end of stderr. Output that is not the drill's JSON
 * is shown as its tail.
 */
interface Objective {
  readonly id: string;
  readonly verdict: string;
  readonly target: string;
  readonly measured: string;
  readonly detail: string;
}
interface Scenario {
  readonly name: string;
  readonly verdict: string;
  readonly error?: string;
  readonly objectives?: readonly Objective[];
}

export function drillFailure(result: { readonly stdout: string; readonly stderr: string }): string {
  const stderr = `stderr: ${result.stderr.slice(-1500)}`;
  let scenarios: readonly Scenario[];
  try {
    const out = JSON.parse(result.stdout) as { report?: { scenarios?: readonly Scenario[] } };
    scenarios = out.report?.scenarios ?? [];
  } catch {
    return `${stderr}\nstdout (not the drill's JSON): ${result.stdout.slice(-1500)}`;
  }
  const lines = scenarios
    .filter((s) => s.verdict !== 'pass')
    .flatMap((s) => [
      `${s.name}: ${s.verdict}${s.error ? ` (${s.error})` : ''}`,
      ...(s.objectives ?? [])
        .filter((o) => o.verdict !== 'pass')
        .map((o) => `  ${o.id}: ${o.verdict}, measured ${o.measured} against ${o.target}: ${o.detail}`),
    ]);
  return [...(lines.length > 0 ? lines : ['every scenario passed']), stderr].join('\n');
}
