import { describe, expect, it } from 'vitest';
import { parseTrapRules, trapRule, trapRuleSchema } from '../../vmm/frontends/config/trap-rule.js';
import { TRAP_RULE_FIELDS } from '../../vmm/frontends/config/trap-rule-parse.js';
import { configSchema } from '../../vmm/frontends/config/schema.js';

const TRAP_RULE = trapRule();

describe('the trap-rule language is defined once', () => {
  it('gives the config schema its rule schema (what ajv checks and editors complete)', () => {
    const traps = (configSchema()['properties'] as Record<string, { items: unknown }>)['traps']!;
    expect(traps.items).toEqual(trapRuleSchema());
    expect(Object.keys(trapRuleSchema()['properties'] as object)).toEqual(Object.keys(TRAP_RULE.properties));
  });

  it('parses every field the schema declares: pairs and 0x integers become numbers, the BDF lowercase', () => {
    const [r] = parseTrapRules([
      { bdf: '00:1F.3', bar: 4, config: false, offset: ['0x10', 0x20], width: 4, direction: 'write', action: 'rewrite-range', from: [0, '0x100'], to: '0x8000', field: 'value', name: 'mine' },
    ]);
    expect(r).toEqual({ bdf: '00:1f.3', bar: 4, config: false, offset: [0x10, 0x20], width: 4, direction: 'write', action: 'rewrite-range', from: [0, 0x100], to: 0x8000, field: 'value', name: 'mine' });
  });

  it('leaves absent optional fields absent', () => {
    expect(parseTrapRules([{ bdf: '00:02.0', action: 'log' }])).toEqual([{ bdf: '00:02.0', action: 'log' }]);
  });
});

describe('trap-rule-parse.ts converts without TypeBox', () => {
  it('lists every TRAP_RULE field in TRAP_RULE order', () => {
    expect(Object.keys(TRAP_RULE_FIELDS)).toEqual(Object.keys(TRAP_RULE.properties));
  });
});
