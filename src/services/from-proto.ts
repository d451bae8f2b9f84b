import {
  inboxView,
  type NotificationFilter,
  normalizeFilter,
  type ReadSelection,
} from "../domain/notification-filter.js";
import { checkFilterContent } from "../domain/validation.js";
import { ValidationError } from "../domain/validation-error.js";
import {
  type NotificationFilter as FilterMessage,
  ReadFilter,
} from "../gen/notification/v1/notification_pb.js";

const selections: ReadonlyMap<number, ReadSelection> = new Map([
  [ReadFilter.UNSPECIFIED, "any"],
  [ReadFilter.UNREAD, "unread"],
  [ReadFilter.READ, "read"],
]);

/**
 * The filter a request carries, checked and normalized; unset: the inbox
 * view. Throws a ValidationError naming the field for a read filter this
 * version does not know (an open enum decodes any number), or categories and
 * properties no notification could have.
 */
export function filterFromProto(filter: FilterMessage | undefined): NotificationFilter {
  if (!filter) return inboxView;
  const read = selections.get(filter.read);
  if (read === undefined) {
    throw new ValidationError(
      "filter.read",
      `filter.read must be READ_FILTER_UNSPECIFIED, READ_FILTER_UNREAD or READ_FILTER_READ (got ${filter.read})`,
    );
  }
  checkFilterContent(filter.categories, filter.properties);
  return normalizeFilter({
    categories: filter.categories,
    read,
    archived: filter.archived,
    properties: filter.properties,
  });
}
