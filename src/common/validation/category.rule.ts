import { fieldBBox } from '../graph/graph';
import type { Rule } from './issue';

export const categoryRule: Rule = {
  id: 'category',
  check(field, _n, ctx) {
    const cats = ctx.categories;
    if (!cats || cats.includes(field.category)) return [];
    return [
      {
        id: `category:${field.id}`,
        rule: 'category',
        severity: 'error',
        fieldIds: [field.id],
        message: `Field ${field.id} has the category "${field.category}", which is not one of the campaign's (${cats.join(', ')})`,
        bbox: fieldBBox(field),
        fixes: cats.slice(0, 4).map((c) => ({ label: `Make it ${c}`, command: { type: 'field.setCategory', ids: [field.id], category: c } })),
      },
    ];
  },
};
