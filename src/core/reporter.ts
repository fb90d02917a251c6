/**
 * How core modules report progress without printing. The CLI passes an ora-backed
 * reporter on stderr; tests and `--json` pass the silent one.
 */
export interface StepReporter {
  /** Marks the step done; `detail` is shown beside its name. */
  succeed(detail?: string): void;
  fail(detail?: string): void;
  /** Replaces the step's text while it runs. */
  update(text: string): void;
}

export interface Reporter {
  step(name: string): StepReporter;
  info(message: string): void;
  warn(message: string): void;
}

const silentStep: StepReporter = { succeed() {}, fail() {}, update() {} };

export const silentReporter: Reporter = {
  step: () => silentStep,
  info() {},
  warn() {},
};
