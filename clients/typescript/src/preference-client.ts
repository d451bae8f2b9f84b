import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  type CallOptions,
  Code,
  ConnectError,
  createClient,
  type Transport,
} from "@connectrpc/connect";
import {
  type GetPreferencesResponse,
  PreferenceService,
  type Preferences,
  type PreferencesSchema,
} from "../gen/notification/v1/preference_pb.js";

/**
 * Preferences as they are sent: `categories` (per category `inApp`, `email`,
 * each true unless set false) and `email` (`address`, `digest` `"off"`,
 * `"daily"` or `"weekly"`, `time` `"HH:MM"`, `weekday` `"monday"` to
 * `"sunday"`, `timeZone` an IANA name); whatever is left out takes its default.
 */
export type PreferencesInit = MessageInitShape<typeof PreferencesSchema>;

/** A user's preferences and email digests (see the service's README). */
export interface PreferenceClient {
  /** The user's preferences, defaults written out, and the categories no one can mute. */
  getPreferences(username: string, options?: CallOptions): Promise<GetPreferencesResponse>;
  /**
   * Replaces the user's preferences and answers them as stored (defaults
   * filled in, the time zone's canonical name). INVALID_ARGUMENT names the
   * field at fault, such as `preferences.email.time`; muting a critical
   * category is one.
   */
  updatePreferences(
    username: string,
    preferences: PreferencesInit,
    options?: CallOptions,
  ): Promise<Preferences>;
  /**
   * Turns off the digests of the user a digest's unsubscribe link names, with
   * that link's `token`; needs no other credential.
   */
  unsubscribe(token: string, options?: CallOptions): Promise<void>;
}

/** The preference calls over `transport`. */
export function createPreferenceClient(transport: Transport): PreferenceClient {
  const preferences = createClient(PreferenceService, transport);
  return {
    getPreferences: (username, options) => preferences.getPreferences({ username }, options),
    async updatePreferences(username, update, options) {
      const response = await preferences.updatePreferences(
        { username, preferences: update },
        options,
      );
      if (!response.preferences) {
        throw new ConnectError("UpdatePreferences answered without preferences", Code.Internal);
      }
      return response.preferences;
    },
    async unsubscribe(token, options) {
      await preferences.unsubscribe({ token }, options);
    },
  };
}
