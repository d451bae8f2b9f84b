const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` with the environment's value; the
 * default applies when the variable is unset or empty, as in the shell.
 * A `${VAR}` without default whose variable is unset becomes empty.
 */
export function substituteEnv(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(reference, (_match, name: string, fallback: string | undefined) => {
    const value = env[name];
    return value === undefined || value === "" ? (fallback ?? "") : value;
  });
}
