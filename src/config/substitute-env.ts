const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Parsed configuration after substitution, and the variables each value was made from. */
export interface Substituted {
  /** The tree with every text value substituted; keys left empty are removed. */
  readonly value: unknown;
  /** By dotted key path (`server.port`): the variables its value referred to. */
  readonly variables: ReadonlyMap<string, readonly string[]>;
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every text value of a parsed
 * YAML tree (never in its keys): the environment's value, or the default
 * when the variable is unset or empty, as in the shell; a `${VAR}` without
 * default whose variable is unset becomes empty. The result is plain text
 * whatever the environment holds (YAML syntax, `null`, `~`, `[::1]:8087`),
 * and is not substituted again. A key whose value ends up empty is removed,
 * so it takes its default.
 */
export function substituteEnv(tree: unknown, env: NodeJS.ProcessEnv): Substituted {
  const variables = new Map<string, string[]>();
  const walk = (node: unknown, path: readonly string[]): unknown => {
    if (typeof node === "string") {
      const used: string[] = [];
      const text = node.replace(reference, (_match, name: string, fallback?: string) => {
        used.push(name);
        const value = env[name];
        return value === undefined || value === "" ? (fallback ?? "") : value;
      });
      if (used.length > 0) variables.set(path.join("."), used);
      return text === "" ? undefined : text;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, String(index)]));
    if (typeof node === "object" && node !== null) {
      const entries = Object.entries(node).map(([key, value]) => [
        key,
        walk(value, [...path, key]),
      ]);
      return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
    }
    return node;
  };
  return { value: walk(tree, []), variables };
}
