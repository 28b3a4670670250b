/** How much of a dataset a preview holds: a few rows or thumbnails, whatever the dataset's size. */
export const PREVIEW_LIMITS = {
  /** The first data rows of a table… */
  rows: 10,
  /** …each cell cut to this many characters… */
  cellChars: 100,
  /** …and no more rows once their cells hold this many characters together. */
  tableChars: 100_000,
  /** Thumbnails of an image dataset, taken from each class in turn. */
  samples: 24,
  /** A thumbnail fits in a square of this side (smaller images keep their size). */
  side: 64,
} as const;
