import { create } from "@bufbuild/protobuf";
import type { PreferencesInput } from "../domain/preference-validation.js";
import type { UserPreferences } from "../domain/preferences.js";
import {
  type CategoryPreferences,
  CategoryPreferencesSchema,
  EmailPreferencesSchema,
  type Preferences,
  PreferencesSchema,
} from "../gen/notification/v1/preference_pb.js";

/** A user's preferences as the API answers them: every default written out. */
export function preferencesToProto(preferences: UserPreferences): Preferences {
  const categories: Record<string, CategoryPreferences> = {};
  for (const [category, choice] of preferences.categories) {
    categories[category] = create(CategoryPreferencesSchema, {
      inApp: choice.inApp ?? true,
      email: choice.email ?? true,
    });
  }
  const { email } = preferences;
  return create(PreferencesSchema, {
    categories,
    email: create(EmailPreferencesSchema, {
      address: email.address,
      digest: email.digest,
      time: email.time,
      weekday: email.weekday,
      timeZone: email.timeZone,
    }),
  });
}

/** Preferences sent in a request, for the domain's checks; unset means "the defaults". */
export function preferencesFromProto(proto: Preferences | undefined): PreferencesInput {
  const categories: Record<string, { inApp?: boolean; email?: boolean }> = {};
  for (const [category, choice] of Object.entries(proto?.categories ?? {})) {
    categories[category] = {
      ...(choice.inApp !== undefined && { inApp: choice.inApp }),
      ...(choice.email !== undefined && { email: choice.email }),
    };
  }
  return { categories, email: proto?.email };
}
