// The demo page served at /inbox/: signs a user in (a username when the
// service runs with auth.mode none, a token with jwt) and puts a
// <notification-inbox> in the page's bar. With auth.mode none it can also send
// the user test notifications. `?user=ann` signs in at once; `?theme=dark`
// or `light` fixes the theme.

const page = document.documentElement;
const jwt = page.dataset.authMode === "jwt";
const query = new URLSearchParams(location.search);
const theme = query.get("theme");
const usernamePattern = /^[A-Za-z0-9._@+-]{1,128}$/;

function $<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the demo page has no #${id}`);
  return node as T;
}

if (theme === "dark" || theme === "light") page.dataset.theme = theme;
const userForm = $<HTMLFormElement>("user-form");
const tokenForm = $<HTMLFormElement>("token-form");
userForm.hidden = jwt;
tokenForm.hidden = !jwt;

userForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $<HTMLInputElement>("username").value;
  if (!usernamePattern.test(name)) {
    fail("A username is 1 to 128 characters of A-Z a-z 0-9 . _ - @ +.", "username");
    return;
  }
  signIn({ user: name }, name);
});

tokenForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const token = $<HTMLTextAreaElement>("token").value.trim();
  if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) {
    fail("That is not a token: a JWT is three parts separated by dots.", "token");
    return;
  }
  signIn({ token }, "signed in with a token");
});

$("sign-out").addEventListener("click", () => {
  $("bell-slot").replaceChildren();
  $("who").textContent = "";
  $("signed-in").hidden = true;
  $("sign-in").hidden = false;
  history.replaceState(null, "", location.pathname);
});

for (const [id, category, verb] of [
  ["send-follow", "new-follower", "followed you"],
  ["send-like", "like", "liked your post"],
] as const) {
  $(id).addEventListener("click", () => void send(category, verb));
}

const preset = query.get("user");
if (!jwt && preset !== null) {
  $<HTMLInputElement>("username").value = preset;
  userForm.requestSubmit();
}

function fail(message: string, field: string): void {
  $("form-error").textContent = message;
  $(field).setAttribute("aria-invalid", "true");
  $(field).focus();
}

function signIn(attributes: Record<string, string>, who: string): void {
  $("form-error").textContent = "";
  const inbox = document.createElement("notification-inbox");
  for (const [name, value] of Object.entries(attributes)) inbox.setAttribute(name, value);
  if (page.dataset.theme) inbox.setAttribute("theme", page.dataset.theme);
  $("bell-slot").replaceChildren(inbox);
  $("who").textContent = who;
  $("sign-in").hidden = true;
  $("signed-in").hidden = false;
  $("try").hidden = jwt;
  // A user token cannot create notifications: a producer's token can.
  const auth = jwt ? `-H "Authorization: Bearer $PRODUCER_TOKEN" ` : "";
  const user = attributes.user ?? "<username>";
  $("curl").textContent = [
    `curl -s ${auth}-H 'Content-Type: application/json' \\`,
    `  -d '{"category":"new-follower","message":"Bob followed you","properties":{"actor":"Bob"}}' \\`,
    `  ${location.origin}/v1/notifications/${user}`,
  ].join("\n");
}

const names = ["Ann", "Bob", "Chen", "Dara", "Emeka", "Farah", "Goran", "Hana", "Ines", "Jonas"];

// A test notification from a random person, through the REST API.
async function send(category: string, verb: string): Promise<void> {
  const user = $("who").textContent ?? "";
  const actor = names[Math.floor(Math.random() * names.length)] ?? "Ann";
  const response = await fetch(`/v1/notifications/${encodeURIComponent(user)}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ category, message: `${actor} ${verb}`, properties: { actor } }),
  }).catch(
    (error: unknown) => new Response(JSON.stringify({ message: String(error) }), { status: 599 }),
  );
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  $("send-error").textContent = response.ok
    ? ""
    : `Not sent: ${body.message ?? response.statusText}`;
}
