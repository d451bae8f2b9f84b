// The element's icons: inline SVG, drawn with the text color, hidden from
// screen readers (the buttons carrying them have labels).

function icon(paths: string): string {
  return `<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${paths}</svg>`;
}

/** The bell. */
export const bellIcon = icon(
  '<path d="M12 3a6 6 0 0 0-6 6v3.6l-1.7 2.6a1 1 0 0 0 .8 1.8h13.8a1 1 0 0 0 .8-1.8L18 12.6V9a6 6 0 0 0-6-6Z"/><path d="M9.5 19.5a2.5 2.5 0 0 0 5 0"/>',
);

/** Close (a cross). */
export const closeIcon = icon('<path d="M6 6l12 12M18 6 6 18"/>');

/** Archive (a box). */
export const archiveIcon = icon(
  '<rect x="3" y="4" width="18" height="5" rx="1"/><path d="M5 9v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V9M10 13h4"/>',
);

/** Back to the inbox (out of the box). */
export const unarchiveIcon = icon(
  '<path d="M5 11v8a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-8"/><path d="M12 15V4M8 8l4-4 4 4"/>',
);
