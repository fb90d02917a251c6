#!/usr/bin/env node
// Production entry point: runs the compiled commands in dist/.
//
// When it loads, oclif loads `semver` (about 25 ms, on every command) to warn if node
// is older than its own `engines` (>= 18); ours asks for more (>= 20.15). The switch
// that skips that check is set only while oclif loads (a static import would run before
// this code, hence the dynamic one), so child processes see the environment unchanged.
const engineWarning = process.env.OCLIF_DISABLE_ENGINE_WARNING;
process.env.OCLIF_DISABLE_ENGINE_WARNING = '1';
const { execute } = await import('@oclif/core');
if (engineWarning === undefined) delete process.env.OCLIF_DISABLE_ENGINE_WARNING;
else process.env.OCLIF_DISABLE_ENGINE_WARNING = engineWarning;

await execute({ dir: import.meta.url });
