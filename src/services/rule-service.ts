import type { ServiceImpl } from "@connectrpc/connect";
import { emptyRuleMessage, parseRule, ruleToFields } from "../domain/rule.js";
import { checkCategory } from "../domain/validation.js";
import { ValidationError } from "../domain/validation-error.js";
import type { Rule as RuleMessage, RuleService } from "../gen/notification/v1/rule_pb.js";
import type { ServiceDependencies } from "./dependencies.js";

/** RuleService: put, delete and list the rollup rules. */
export function createRuleService(deps: ServiceDependencies): ServiceImpl<typeof RuleService> {
  const repository = deps.repositories.rules;
  return {
    async putRule(req) {
      checkCategory(req.category);
      if (!req.rule) throw new ValidationError("rule", emptyRuleMessage);
      const rule = parseRule(fromMessage(req.rule));
      await repository.change({ category: req.category, version: deps.newId(), rule });
      deps.rules.invalidate();
      return {};
    },

    async deleteRule(req) {
      checkCategory(req.category);
      await repository.change({ category: req.category, version: deps.newId(), rule: undefined });
      deps.rules.invalidate();
      return {};
    },

    async listRules() {
      // Read through, not from the cache: a caller who just wrote a rule
      // through another instance sees it here.
      const rules = await repository.read();
      return { rules: Object.fromEntries([...rules].map(([c, r]) => [c, ruleToFields(r)])) };
    },
  };
}

function fromMessage(rule: RuleMessage) {
  return { maxSize: rule.maxSize, maxDuration: rule.maxDuration, matchOn: rule.matchOn };
}
