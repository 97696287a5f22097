/**
 * Durations of the things the document says take time (DESIGN.md §4): feature registration
 * ("a few minutes"), provider registration, VM provisioning and boot, and reimage ("several
 * minutes per node"). `fast` is the default for local use, `realistic` matches the document,
 * and `test` keeps end-to-end tests quick; every value can be overridden.
 */

export interface Timing {
  /** Feature Registering → Registered (and Unregistering → Unregistered). */
  readonly featureRegistrationMs: number;
  /** Provider Registering → Registered. */
  readonly providerRegistrationMs: number;
  /** VM allocation before its first boot. */
  readonly vmCreateMs: number;
  /** Firmware to OS ready. */
  readonly vmBootMs: number;
  /** Reimage of one node before it boots again (cordon, drain, disk swap). */
  readonly vmReimageMs: number;
  readonly vmDeleteMs: number;
}

export const TIMING_PROFILES: Record<'fast' | 'realistic' | 'test', Timing> = {
  fast: { featureRegistrationMs: 5_000, providerRegistrationMs: 2_000, vmCreateMs: 300, vmBootMs: 500, vmReimageMs: 800, vmDeleteMs: 200 },
  realistic: { featureRegistrationMs: 3 * 60_000, providerRegistrationMs: 30_000, vmCreateMs: 60_000, vmBootMs: 45_000, vmReimageMs: 4 * 60_000, vmDeleteMs: 30_000 },
  test: { featureRegistrationMs: 100, providerRegistrationMs: 50, vmCreateMs: 20, vmBootMs: 20, vmReimageMs: 30, vmDeleteMs: 10 },
};

export type TimingProfile = keyof typeof TIMING_PROFILES;

/** A profile by name with optional per-duration overrides. Throws on an unknown profile. */
export function timingProfile(name: string, overrides: Partial<Timing> = {}): Timing {
  const base = (TIMING_PROFILES as Record<string, Timing | undefined>)[name];
  if (!base) throw new RangeError(`unknown timing profile "${name}" (use ${Object.keys(TIMING_PROFILES).join(', ')})`);
  return { ...base, ...overrides };
}
