import type { RuleSet } from "../domain/rule.js";
import type { RuleRepository } from "../storage/repositories.js";

/**
 * The rules used for rollups, cached: a change made through this instance is
 * used at once (the cache is dropped on write), and one made through another
 * instance within `refreshMs` (contract §3.4).
 */
export class RuleCache {
  private cached: { rules: RuleSet; loadedAt: number } | undefined;
  private loading: Promise<RuleSet> | undefined;
  // Bumped by invalidate(), so a load that started before a write cannot cache what it read.
  private generation = 0;

  /**
   * @param refreshMs how old cached rules may be, in ms.
   * @param now the clock, in milliseconds.
   */
  constructor(
    private readonly repository: RuleRepository,
    private readonly refreshMs: number,
    private readonly now: () => number,
  ) {}

  /** The current rules; concurrent callers share one load. */
  get(): Promise<RuleSet> {
    const cached = this.cached;
    if (cached && this.now() - cached.loadedAt < this.refreshMs)
      return Promise.resolve(cached.rules);
    if (!this.loading) {
      const loading = this.load().finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    return this.loading;
  }

  /** Forgets the cached rules, so the next read loads them. */
  invalidate(): void {
    this.generation++;
    this.cached = undefined;
    this.loading = undefined;
  }

  private async load(): Promise<RuleSet> {
    const loadedAt = this.now();
    const generation = this.generation;
    const rules = await this.repository.read();
    if (generation === this.generation) this.cached = { rules, loadedAt };
    return rules;
  }
}
