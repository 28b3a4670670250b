/**
 * The parts of the contract an uploaded template is checked for, in the order
 * the check goes through them, and which part a refusal is about, read from the
 * messages that src/model/template.ts, src/admin/services/checker.ts and
 * src/admin/services/template-files.ts give (their shapes are tested against
 * those modules in template-parts.test.ts). The dashboard shows a refused
 * template's check part by part from it.
 */
export const TEMPLATE_PARTS = ['dependencies', 'module', 'class', 'knobs', 'task'] as const;
export type TemplatePart = (typeof TEMPLATE_PARTS)[number];

const SHAPES: [TemplatePart, RegExp][] = [
  ['dependencies', /^(dependencies\b|cannot install the dependencies)/],
  ['module', /(^there is no template file|^cannot import |did not finish loading within|ended its process)/],
  ['class', /(exports no class named|does not follow the Model contract)/],
  ['knobs', /\.knobConfig is invalid/],
  ['task', /(\.tasks must list the tasks it serves|does not serve )/],
];

/** The part a refusal's message is about (after its field, `model_file_bytes: …`), or null when it is about none. */
export function templatePartOf(message: string): TemplatePart | null {
  const text = message.replace(/^(model_file_bytes|model_class|task): /, '');
  return SHAPES.find(([, shape]) => shape.test(text))?.[0] ?? null;
}
