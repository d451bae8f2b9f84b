/**
 * Storage could not be reached or did not answer: the call may succeed later
 * or elsewhere. Transports answer UNAVAILABLE.
 */
export class StorageUnavailableError extends Error {
  override readonly name = "StorageUnavailableError";
}

/** Storage did not answer within the caller's deadline. Transports answer DEADLINE_EXCEEDED. */
export class StorageTimeoutError extends Error {
  override readonly name = "StorageTimeoutError";
}

/**
 * Storage answered with data the service cannot read (a corrupt or foreign
 * value). Transports answer INTERNAL (DATA_LOSS would leak too much).
 */
export class StorageCorruptionError extends Error {
  override readonly name = "StorageCorruptionError";
}
