/**
 * The outage both sandbox drill targets (./sandbox-target.ts, ./live-target.ts) inject:
 * the emulator's switch, which refuses every AWS call signed for the region.
 */
import { restoreRegion, setOutage } from '../emulator.js';

export abstract class EmulatorOutage {
  /** The emulator's endpoint. */
  abstract readonly endpoint: string;

  async injectOutage(region: string): Promise<void> {
    await setOutage(this.endpoint, region, 'refuse');
  }

  async restoreOutage(region: string): Promise<void> {
    await restoreRegion(this.endpoint, region);
  }
}
