import type { ServiceImpl } from "@connectrpc/connect";
import { checkPreferences } from "../domain/preference-validation.js";
import { defaultPreferences } from "../domain/preferences.js";
import { checkUsername } from "../domain/validation.js";
import { ValidationError } from "../domain/validation-error.js";
import type { PreferenceService } from "../gen/notification/v1/preference_pb.js";
import type { ServiceDependencies } from "./dependencies.js";
import { preferencesFromProto, preferencesToProto } from "./preferences-to-proto.js";

/** PreferenceService: each user's channels per category and email digest (contract §10). */
export function createPreferenceService(
  deps: ServiceDependencies,
): ServiceImpl<typeof PreferenceService> {
  const { preferences, schedule } = deps.repositories;
  const criticalCategories = [...deps.criticalCategories].sort();
  return {
    async getPreferences(req) {
      checkUsername(req.username);
      // Read from storage, not the create path's cache: a user who just
      // changed them through another instance sees the change.
      const stored = (await preferences.read(req.username)) ?? defaultPreferences;
      return { preferences: preferencesToProto(stored), criticalCategories };
    },

    async updatePreferences(req) {
      checkUsername(req.username);
      const checked = checkPreferences(
        preferencesFromProto(req.preferences),
        deps.criticalCategories,
      );
      const update = { ...checked, version: deps.newId() };
      // The schedule entry first: should the preferences' write fail after
      // it, the entry is a stale hint the digest worker skips; the other way
      // round a crash could leave digests on that no worker ever finds.
      await schedule.addNext(req.username, update.email, deps.now());
      await preferences.change(req.username, { kind: "replace", preferences: update });
      deps.preferences.invalidate(req.username);
      return { preferences: preferencesToProto(update) };
    },

    async unsubscribe(req) {
      const claim = req.token === "" ? undefined : await deps.unsubscribeTokens?.verify(req.token);
      if (!claim) {
        throw new ValidationError(
          "token",
          req.token === ""
            ? "token is required: the token of a digest's unsubscribe link"
            : "token is not a valid unsubscribe token: use the link of a digest as it was sent",
        );
      }
      const { username, address } = claim;
      await preferences.change(username, { kind: "unsubscribe", version: deps.newId(), address });
      deps.preferences.invalidate(username);
      return {};
    },
  };
}
