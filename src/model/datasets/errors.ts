import { InputError } from '../errors.ts';

/** Where in a dataset a problem is: the file, and when known the line and column. */
export interface DatasetPlace {
  file: string;
  line?: number;
  column?: string;
}

/**
 * A dataset that does not follow its task's format. The message names the place,
 * e.g. `iris.csv, line 12, column "petal_width": "abc" is not a number`; it is a
 * an InputError, so the Admin answers 400 with it as it is.
 */
export class DatasetError extends InputError {
  readonly place: DatasetPlace;

  constructor(place: DatasetPlace, problem: string) {
    super(`${describePlace(place)}: ${problem}`);
    this.place = place;
  }
}

function describePlace({ file, line, column }: DatasetPlace): string {
  return [file, line === undefined ? null : `line ${line}`, column === undefined ? null : `column "${column}"`]
    .filter((part) => part !== null)
    .join(', ');
}
