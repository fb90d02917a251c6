/**
 * Everything `dr synth` runs after parsing its flags: reading and validating the config,
 * then synthesizing. The entry of the one-file bundle `npm run build` writes
 * (scripts/build-synth-bundle.ts), which `loadSynth()` (synth-loader.ts) loads; without
 * the bundle, `loadSynth()` imports this module as it is.
 */
export { loadConfig, parseConfig } from '../config/load.js';
export { synthesize } from './synth.js';
