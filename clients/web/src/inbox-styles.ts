// The element's look. Every color comes from a custom property the embedding
// page may set (--inbox-bg, --inbox-fg, ...), falling back to a light or a
// dark palette: the page's `theme` attribute, else prefers-color-scheme.
// Both palettes keep text at 4.5:1 contrast or more.

const light = `
  --_bg: #ffffff; --_fg: #1f2328; --_muted: #59636e; --_border: #d1d9e0;
  --_accent: #0969da; --_accent-fg: #ffffff; --_hover: #f6f8fa; --_new: #eef6ff;
  --_badge-bg: #cf222e; --_badge-fg: #ffffff; --_alert-bg: #ffebe9; --_alert-fg: #82071e;
  --_shadow: 0 8px 24px rgb(31 35 40 / 0.18);`;

const dark = `
  --_bg: #1c2128; --_fg: #e6edf3; --_muted: #9ea7b3; --_border: #3d444d;
  --_accent: #4493f8; --_accent-fg: #0d1117; --_hover: #262c36; --_new: #1b2a3d;
  --_badge-bg: #da3633; --_badge-fg: #ffffff; --_alert-bg: #3c1618; --_alert-fg: #ffc1bc;
  --_shadow: 0 8px 24px rgb(1 4 9 / 0.6);`;

/** The stylesheet of every `<notification-inbox>`'s shadow root. */
export const inboxCss = `
:host {
  ${light}
  display: inline-block;
  position: relative;
  font: var(--inbox-font, 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  color: var(--inbox-fg, var(--_fg));
  color-scheme: light;
}
:host([theme="dark"]) { ${dark} color-scheme: dark; }
@media (prefers-color-scheme: dark) {
  :host(:not([theme="light"])) { ${dark} color-scheme: dark; }
}
[hidden] { display: none !important; }
.sr-only {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip-path: inset(50%); white-space: nowrap;
}
button { font: inherit; color: inherit; cursor: pointer; }
:focus-visible { outline: 2px solid var(--inbox-accent, var(--_accent)); outline-offset: 2px; }

.bell {
  position: relative; display: grid; place-items: center;
  width: 40px; height: 40px; padding: 0; border: 0; border-radius: 50%;
  background: transparent; color: var(--inbox-bell, currentColor);
}
.bell:hover { background: var(--inbox-hover, var(--_hover)); }
.bell svg { width: 24px; height: 24px; }
.bell.offline svg { opacity: 0.55; }
.badge {
  position: absolute; top: 2px; right: 0; min-width: 18px; height: 18px; padding: 0 5px;
  box-sizing: border-box; border-radius: 9px; font-size: 11px; font-weight: 700; line-height: 18px;
  text-align: center; background: var(--inbox-badge-bg, var(--_badge-bg));
  color: var(--inbox-badge-fg, var(--_badge-fg));
}
.offline-mark {
  position: absolute; bottom: 4px; right: 4px; width: 10px; height: 10px; border-radius: 50%;
  background: var(--inbox-muted, var(--_muted)); border: 2px solid var(--inbox-bg, var(--_bg));
}

.panel {
  position: absolute; top: calc(100% + 6px); right: 0; z-index: 1000;
  display: flex; flex-direction: column;
  width: var(--inbox-width, 380px); max-width: calc(100vw - 16px);
  height: var(--inbox-height, min(560px, 75vh));
  box-sizing: border-box; overflow: hidden;
  background: var(--inbox-bg, var(--_bg)); color: var(--inbox-fg, var(--_fg));
  border: 1px solid var(--inbox-border, var(--_border));
  border-radius: var(--inbox-radius, 12px); box-shadow: var(--inbox-shadow, var(--_shadow));
}
:host([align="start"]) .panel { right: auto; left: 0; }
@media (max-width: 480px) {
  .panel {
    position: fixed; inset: 0; width: auto; max-width: none; height: auto;
    border: 0; border-radius: 0;
  }
}
.panel:focus { outline: none; }

.header {
  display: flex; align-items: center; gap: 8px; padding: 12px 12px 8px 16px;
}
h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 600; }
.status { font-size: 12px; color: var(--inbox-muted, var(--_muted)); }
.status.offline::before {
  content: ""; display: inline-block; width: 8px; height: 8px; margin-right: 6px;
  border-radius: 50%; background: var(--inbox-muted, var(--_muted));
}
.text-button {
  padding: 4px 8px; border: 0; border-radius: 6px; background: transparent;
  color: var(--inbox-accent, var(--_accent)); font-size: 13px; font-weight: 600; white-space: nowrap;
}
.text-button:hover { background: var(--inbox-hover, var(--_hover)); }
.text-button:disabled { color: var(--inbox-muted, var(--_muted)); cursor: default; background: none; }
.icon-button {
  display: grid; place-items: center; width: 32px; height: 32px; flex: none; padding: 0;
  border: 0; border-radius: 50%; background: transparent; color: var(--inbox-muted, var(--_muted));
}
.icon-button:hover { background: var(--inbox-hover, var(--_hover)); color: var(--inbox-fg, var(--_fg)); }
.icon-button svg { width: 18px; height: 18px; }

.tabs { display: flex; gap: 4px; padding: 0 12px; border-bottom: 1px solid var(--inbox-border, var(--_border)); }
[role="tab"] {
  padding: 8px 10px; border: 0; border-bottom: 2px solid transparent; margin-bottom: -1px;
  background: none; color: var(--inbox-muted, var(--_muted)); font-weight: 600;
}
[role="tab"][aria-selected="true"] {
  color: var(--inbox-fg, var(--_fg)); border-bottom-color: var(--inbox-accent, var(--_accent));
}
.count { margin-left: 4px; font-size: 12px; font-weight: 600; }
.count:empty { display: none; }

.tabpanel { display: flex; flex-direction: column; flex: 1; min-height: 0; }
.chips { display: flex; gap: 6px; padding: 8px 12px; overflow-x: auto; flex: none; }
.chips:empty { display: none; }
.chip {
  padding: 3px 10px; border: 1px solid var(--inbox-border, var(--_border)); border-radius: 999px;
  background: transparent; font-size: 12px; white-space: nowrap;
}
.chip[aria-pressed="true"] {
  background: var(--inbox-accent, var(--_accent)); border-color: var(--inbox-accent, var(--_accent));
  color: var(--inbox-accent-fg, var(--_accent-fg));
}

.alert {
  display: flex; align-items: flex-start; gap: 8px; margin: 8px 12px 0; padding: 8px 8px 8px 12px;
  border-radius: 8px; background: var(--inbox-alert-bg, var(--_alert-bg));
  color: var(--inbox-alert-fg, var(--_alert-fg)); font-size: 13px;
}
.alert p { flex: 1; margin: 4px 0; overflow-wrap: anywhere; }
.alert .icon-button { color: inherit; width: 28px; height: 28px; }

.scroller { flex: 1; min-height: 0; overflow-y: auto; overscroll-behavior: contain; }
.feed { display: block; }
.item {
  display: grid; grid-template-columns: 10px 1fr auto; gap: 10px; align-items: start;
  padding: 12px 12px 12px 14px; border-bottom: 1px solid var(--inbox-border, var(--_border));
  cursor: pointer;
}
.item:hover { background: var(--inbox-hover, var(--_hover)); }
.item.new { background: var(--inbox-new, var(--_new)); }
.item:focus-visible { outline-offset: -2px; }
.dot { width: 8px; height: 8px; margin-top: 6px; border-radius: 50%; }
.item.unread .dot { background: var(--inbox-accent, var(--_accent)); }
.message { margin: 0; overflow-wrap: anywhere; }
.item.unread .message { font-weight: 600; }
.meta { margin: 2px 0 0; font-size: 12px; color: var(--inbox-muted, var(--_muted)); }
.item .icon-button { margin: -6px -4px 0 0; }
.empty, .loading { margin: 0; padding: 32px 16px; text-align: center; color: var(--inbox-muted, var(--_muted)); }
.sentinel { height: 1px; }
`;
