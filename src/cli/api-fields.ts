/**
 * The Admin's errors name the API field they refuse (`body: 'train_dataset_id' must be a dataset id`,
 * `model_ids: model x is for …`); a CLI user typed an option. This is the one table from each
 * command's fields to its options and arguments, and the rewrite of an error in those terms.
 */

/** Fields that mean the same on every command that sends them. */
const COMMON: Readonly<Record<string, string>> = { app: '<app>', app_version: '--version', id: '<id>', task: '--task' };

/** Per command (`train create`), each API field it sends and the option or argument it comes from. */
const FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  login: { email: '--email', password: '--password' },
  'users create': { email: '--email', password: '--password', user_type: '--type' },
  'users ban': { email: '<email>' },
  'models upload': { name: '--name', model_class: '--class', dependencies: '--dependencies', access_right: '--public', model_file_bytes: '<file>' },
  'datasets upload': { name: '--name', dataset: '<file>', dataset_url: '--url' },
  'train create': {
    app: '--app', train_dataset_id: '--train', val_dataset_id: '--val', model_ids: '--models',
    'budget.MODEL_TRIAL_COUNT': '--trials', 'budget.TIME_HOURS': '--hours', 'budget.WORKER_COUNT': '--workers', 'train_args.target': '--target',
    'train_args.features': '--features',
  },
  'trials list': { max_count: '--best' },
  'inference create': { 'budget.MODEL_COUNT': '--models', 'budget.REPLICA_COUNT': '--replicas', 'budget.FRONTEND_COUNT': '--frontends' },
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The Admin's message with the fields it names replaced by the command's options; a message about
 * an argument (`<file>: …`) names the value the user gave (`arguments`, by placeholder).
 *
 * @example
 * inOptionTerms("body: 'train_dataset_id' must be a dataset id", 'train create'); // "--train must be a dataset id"
 * inOptionTerms('model_file_bytes: cannot import …', 'models upload', { '<file>': 'knn.ts' }); // "knn.ts: cannot import …"
 */
export function inOptionTerms(message: string, command: string, given: Readonly<Record<string, string>> = {}): string {
  const fields = { ...COMMON, ...FIELDS[command] };
  // Longest first, so that `budget.TIME_HOURS` is replaced before a `budget` could be.
  const names = Object.keys(fields).sort((a, b) => b.length - a.length);
  let text = message;
  for (const field of names) {
    const option = fields[field]!;
    text = text
      // An item of a list field (`model_ids.0`) is its option too.
      .replace(new RegExp(`\\b(?:body|form|query|params): '${escape(field)}(?:\\.\\d+)?'`, 'g'), option)
      .replace(new RegExp(`^${escape(field)}(?:\\.\\d+)?:`), `${option}:`);
  }
  for (const [placeholder, value] of Object.entries(given)) {
    if (text.startsWith(`${placeholder}:`)) text = `${value}${text.slice(placeholder.length)}`;
  }
  return text;
}
