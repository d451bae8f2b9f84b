import { bellIcon, closeIcon } from "./icons.js";

/**
 * The shadow root's fixed markup: the bell, a live region for announcements,
 * and the panel (a non-modal dialog) with its header, the Inbox and Archive
 * tabs, category filters, an alert for errors and the feed of notifications.
 * It holds no data: what changes is filled in by the element.
 */
export const inboxTemplate = `
<button class="bell" id="bell" part="bell" type="button" aria-haspopup="dialog" aria-expanded="false" aria-controls="panel">
  ${bellIcon}
  <span class="badge" id="badge" part="badge" aria-hidden="true" hidden></span>
  <span class="offline-mark" id="offline-mark" aria-hidden="true" hidden></span>
</button>
<div class="sr-only" id="announcer" role="status" aria-live="polite"></div>
<section class="panel" part="panel" id="panel" role="dialog" aria-labelledby="title" tabindex="-1" hidden>
  <div class="header">
    <h2 id="title">Notifications</h2>
    <span class="status" part="status" id="status" role="status"></span>
    <button class="text-button" id="mark-all" type="button">Mark all read</button>
    <button class="icon-button" id="close" type="button" aria-label="Close notifications">${closeIcon}</button>
  </div>
  <div class="tabs" role="tablist" aria-label="Views">
    <button role="tab" id="tab-inbox" type="button" aria-selected="true" aria-controls="tabpanel" tabindex="0">Inbox<span class="count" id="count-inbox"></span></button>
    <button role="tab" id="tab-archive" type="button" aria-selected="false" aria-controls="tabpanel" tabindex="-1">Archive<span class="count" id="count-archive"></span></button>
  </div>
  <div class="tabpanel" id="tabpanel" role="tabpanel" aria-labelledby="tab-inbox">
    <div class="chips" id="chips" role="group" aria-label="Filter by category"></div>
    <div class="alert" part="alert" id="alert" role="alert" hidden>
      <p id="alert-text"></p>
      <button class="icon-button" id="dismiss" type="button" aria-label="Dismiss the error">${closeIcon}</button>
    </div>
    <div class="scroller" id="scroller">
      <div class="feed" id="feed" role="feed" aria-labelledby="tab-inbox" aria-busy="false"></div>
      <p class="loading" id="loading" hidden>Loading…</p>
      <p class="empty" id="empty" hidden></p>
      <div class="sentinel" id="sentinel"></div>
    </div>
  </div>
</section>
`;
