/**
 * Entry point for the standard cdktf CLI (`npx cdktf synth`, see cdktf.json): builds the
 * same app `dr synth` builds, from `dr.config.json` (or DR_CONFIG). The CLI sets
 * CDKTF_OUTDIR, which the App picks up.
 */
import { readFileSync } from 'node:fs';
import { parseConfig } from '../config/load.js';
import { buildPlatformApp } from './app.js';

const file = process.env.DR_CONFIG ?? 'dr.config.json';
const config = parseConfig(JSON.parse(readFileSync(file, 'utf8')), file);
buildPlatformApp({ config }).app.synth();
