/** Arguments and table of the `feature` commands (azure-cli resource module). */
import type { ArgSpec } from '../framework/types.js';

export const FEATURE_NAMESPACE: ArgSpec = { names: ['--namespace'], required: true, help: 'The resource namespace, aka \'provider\'.' };
export const FEATURE_NAME: ArgSpec = { names: ['--name', '-n'], required: true, help: 'The feature name.' };

/** az: '{Name:name, RegistrationState:properties.state}'. */
export const featureRow = (f: unknown) => {
  const x = f as { name?: string; properties?: { state?: string } };
  return { Name: x.name ?? null, RegistrationState: x.properties?.state ?? null };
};
