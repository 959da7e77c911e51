// The one place that reads EngineProfile.valueKeyQuotes: how a values-file key becomes a context path.
import { csvKeyPath, type KeyPath, splitKeyPath } from '../variables/key-path.js';
import { DEFAULT_PROFILE, type EngineProfile } from './profile.js';

/** The context path of a values-file key under a profile (1.10.7: every dot; 1.11+: dots outside quotes). */
export function valueKeyPath(key: string, profile: EngineProfile | undefined): KeyPath {
  return (profile ?? DEFAULT_PROFILE).valueKeyQuotes ? csvKeyPath(key) : splitKeyPath(key);
}
