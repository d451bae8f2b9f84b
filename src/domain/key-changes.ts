import type { StoredNotification } from "./notification.js";

// Changes by key (contract §9.2) kept as marks in a user's stored object, not
// as rewrites of each copy: an update is a set of fields, each stamped with
// the id of the change (a KSUID), that applies to every copy with the key
// and a smaller id, wherever the copy is stored; a delete is the greatest id
// at or below which every copy with the key is gone. Copies created after
// the change keep what they were created with. Both merge by taking the
// latest per field, so concurrent writers converge.

/** One field an update by key set (or, `value` undefined, removed). */
export interface KeyField {
  readonly value: string | undefined;
  /** The update's id: the field applies to copies with smaller ids; the greatest wins a merge. */
  readonly version: string;
}

/** What updates by one key changed, field by field. */
export interface KeyEdit {
  readonly message: KeyField | undefined;
  /** By property name. */
  readonly properties: ReadonlyMap<string, KeyField>;
}

/** Updates by key, by key. */
export type KeyEdits = ReadonlyMap<string, KeyEdit>;

/** Deletes by key: the key to the id at or below which its copies are gone. */
export type KeyDeletes = ReadonlyMap<string, string>;

/** An update by key as a producer asks it. */
export interface KeyPatch {
  /** The new message; undefined keeps it. */
  readonly message: string | undefined;
  /** Properties to set. */
  readonly set: Readonly<Record<string, string>>;
  /** Property names to remove. */
  readonly remove: readonly string[];
}

/** Records an update of `key` made as `version` into `edits`; returns a new map. */
export function addKeyEdit(
  edits: KeyEdits,
  key: string,
  patch: KeyPatch,
  version: string,
): Map<string, KeyEdit> {
  const fields = new Map<string, KeyField>();
  for (const name of patch.remove) fields.set(name, { value: undefined, version });
  for (const [name, value] of Object.entries(patch.set)) fields.set(name, { value, version });
  const edit: KeyEdit = {
    message: patch.message === undefined ? undefined : { value: patch.message, version },
    properties: fields,
  };
  return mergeKeyEdits([edits, new Map([[key, edit]])]);
}

/** Merges updates by key per field: the greatest version wins (a removal on a tie). */
export function mergeKeyEdits(siblings: readonly KeyEdits[]): Map<string, KeyEdit> {
  const merged = new Map<string, KeyEdit>();
  for (const sibling of siblings) {
    for (const [key, edit] of sibling) {
      const known = merged.get(key);
      if (!known) {
        merged.set(key, edit);
        continue;
      }
      const properties = new Map(known.properties);
      for (const [name, field] of edit.properties) {
        properties.set(name, later(properties.get(name), field) as KeyField);
      }
      merged.set(key, { message: later(known.message, edit.message), properties });
    }
  }
  return merged;
}

/** Merges deletes by key: the greatest mark per key. */
export function mergeKeyDeletes(siblings: readonly KeyDeletes[]): Map<string, string> {
  const merged = new Map<string, string>();
  for (const sibling of siblings) {
    for (const [key, upTo] of sibling) {
      if ((merged.get(key) ?? "") < upTo) merged.set(key, upTo);
    }
  }
  return merged;
}

/** True when a delete by the notification's key covers it. */
export function isDeletedByKey(n: StoredNotification, deletes: KeyDeletes): boolean {
  return n.key !== undefined && n.id <= (deletes.get(n.key) ?? "");
}

/**
 * The notification with the updates by its key that are newer than it
 * applied; the same object when none applies.
 */
export function applyKeyEdits(n: StoredNotification, edits: KeyEdits): StoredNotification {
  const edit = n.key === undefined ? undefined : edits.get(n.key);
  if (!edit) return n;
  let message = n.message;
  if (edit.message?.value !== undefined && edit.message.version > n.id) {
    message = edit.message.value;
  }
  let properties: Record<string, string> | undefined;
  for (const [name, field] of edit.properties) {
    if (field.version <= n.id) continue;
    const current = properties ?? n.properties;
    if (field.value === undefined ? !Object.hasOwn(current, name) : current[name] === field.value) {
      continue;
    }
    properties ??= { ...n.properties };
    if (field.value === undefined) delete properties[name];
    else
      Object.defineProperty(properties, name, {
        value: field.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  if (message === n.message && !properties) return n;
  return { ...n, message, properties: properties ?? n.properties };
}

/**
 * Keeps the marks of the newest `limit` keys (by their latest version), so
 * that the stored object stays bounded: an older key's mark could only matter
 * to copies that have long aged out.
 */
export function boundKeyMarks<T>(
  marks: ReadonlyMap<string, T>,
  limit: number,
  version: (mark: T) => string,
): Map<string, T> {
  if (marks.size <= limit) return new Map(marks);
  const newest = [...marks].sort(([, a], [, b]) =>
    version(a) < version(b) ? 1 : version(a) > version(b) ? -1 : 0,
  );
  return new Map(newest.slice(0, limit));
}

/** The latest version an edit holds. */
export function editVersion(edit: KeyEdit): string {
  let latest = edit.message?.version ?? "";
  for (const field of edit.properties.values()) if (field.version > latest) latest = field.version;
  return latest;
}

function later(a: KeyField | undefined, b: KeyField | undefined): KeyField | undefined {
  if (!a || !b) return a ?? b;
  if (a.version !== b.version) return a.version > b.version ? a : b;
  // A tie is one update seen twice, or two at the same id: removal wins, then the greater value.
  if (a.value === undefined || b.value === undefined) return a.value === undefined ? a : b;
  return a.value >= b.value ? a : b;
}
