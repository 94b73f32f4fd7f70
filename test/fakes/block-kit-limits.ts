/**
 * Slack's documented Block Kit limits, checked on every payload the fake Web API receives, so that a builder that
 * grows past them fails a test instead of failing in a real workspace.
 * https://docs.slack.dev/reference/block-kit/blocks, /reference/views, /reference/block-kit/block-elements/button-element
 */
type Json = Record<string, unknown>;

const textOf = (o: unknown): string => ((o as Json | undefined)?.text as string | undefined) ?? '';

function checkElement(el: Json, where: string, errors: string[]) {
  if (el.type === 'button') {
    if (textOf(el.text).length > 75) errors.push(`${where}: button text over 75 characters`);
    if (typeof el.value === 'string' && el.value.length > 2000)
      errors.push(`${where}: button value over 2000 characters`);
  }
  if (typeof el.action_id === 'string' && el.action_id.length > 255)
    errors.push(`${where}: action_id over 255`);
}

export function checkBlocks(blocks: unknown, maxBlocks: number, errors: string[]): void {
  if (!Array.isArray(blocks)) {
    errors.push('blocks must be an array');
    return;
  }
  if (blocks.length > maxBlocks) errors.push(`${blocks.length} blocks, more than ${maxBlocks}`);
  blocks.forEach((raw, i) => {
    const b = raw as Json;
    const where = `blocks[${i}] (${String(b.type)})`;
    switch (b.type) {
      case 'section': {
        const t = textOf(b.text);
        if (!b.text && !b.fields) errors.push(`${where}: needs text or fields`);
        if (t.length > 3000) errors.push(`${where}: text ${t.length} characters, more than 3000`);
        if (b.text && t.length === 0) errors.push(`${where}: empty text`);
        const fields = (b.fields as Json[] | undefined) ?? [];
        if (fields.length > 10) errors.push(`${where}: more than 10 fields`);
        for (const f of fields)
          if (textOf(f).length > 2000) errors.push(`${where}: field over 2000 characters`);
        if (b.accessory) checkElement(b.accessory as Json, where, errors);
        break;
      }
      case 'header':
        if (textOf(b.text).length > 150) errors.push(`${where}: text over 150 characters`);
        if ((b.text as Json | undefined)?.type !== 'plain_text')
          errors.push(`${where}: header text must be plain_text`);
        break;
      case 'context': {
        const els = (b.elements as Json[] | undefined) ?? [];
        if (els.length === 0 || els.length > 10) errors.push(`${where}: 1 to 10 elements`);
        for (const e of els) if (textOf(e).length > 3000) errors.push(`${where}: element text over 3000`);
        break;
      }
      case 'actions': {
        const els = (b.elements as Json[] | undefined) ?? [];
        if (els.length === 0 || els.length > 25) errors.push(`${where}: 1 to 25 elements`);
        for (const e of els) checkElement(e, where, errors);
        break;
      }
      case 'table': {
        // https://docs.slack.dev/reference/block-kit/blocks/table-block: up to 100 rows of up to 20 cells.
        const rows = (b.rows as Json[][] | undefined) ?? [];
        if (rows.length === 0 || rows.length > 100)
          errors.push(`${where}: 1 to 100 rows, not ${rows.length}`);
        rows.forEach((row, r) => {
          if (!Array.isArray(row) || row.length === 0 || row.length > 20)
            errors.push(`${where}: row ${r} must have 1 to 20 cells`);
          for (const c of row ?? [])
            if (!['raw_text', 'raw_number', 'rich_text'].includes(String(c.type)))
              errors.push(`${where}: row ${r} has a ${String(c.type)} cell`);
            else if (c.type === 'raw_text' && (typeof c.text !== 'string' || c.text.length === 0))
              errors.push(`${where}: row ${r} has an empty raw_text cell`);
        });
        const settings = (b.column_settings as Json[] | undefined) ?? [];
        if (settings.length > 20) errors.push(`${where}: more than 20 column_settings`);
        break;
      }
      case 'divider':
      case 'input':
      case 'rich_text':
        break;
      default:
        errors.push(`${where}: unknown block type`);
    }
    if (typeof b.block_id === 'string' && b.block_id.length > 255) errors.push(`${where}: block_id over 255`);
  });
}

export function checkView(view: unknown): string[] {
  const errors: string[] = [];
  const v = view as Json | undefined;
  if (!v || typeof v !== 'object') return ['view is missing'];
  if (v.type === 'modal') {
    const title = textOf(v.title);
    if (!title) errors.push('modal title is required');
    if (title.length > 24) errors.push(`modal title "${title}" over 24 characters`);
    for (const k of ['close', 'submit'] as const)
      if (v[k] && textOf(v[k]).length > 24) errors.push(`${k} over 24`);
  } else if (v.type !== 'home') errors.push(`unknown view type ${String(v.type)}`);
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > 3000)
    errors.push('private_metadata over 3000');
  if (typeof v.callback_id === 'string' && v.callback_id.length > 255) errors.push('callback_id over 255');
  checkBlocks(v.blocks, 100, errors);
  return errors;
}

export function checkMessage(args: Json): string[] {
  const errors: string[] = [];
  if (args.blocks !== undefined) checkBlocks(args.blocks, 50, errors);
  else if (!args.text) errors.push('message needs text or blocks');
  // The bot sends at most one table a message (a design limit, kept by the fake so that no builder grows past it).
  if (Array.isArray(args.blocks) && args.blocks.filter((b) => (b as Json).type === 'table').length > 1)
    errors.push('more than one table block in a message');
  if (typeof args.text === 'string' && args.text.length > 40000) errors.push('text over 40000 characters');
  return errors;
}
