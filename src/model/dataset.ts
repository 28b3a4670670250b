/**
 * What a template receives to train and evaluate on. The SDK's loaders build these
 * from the stored files (CSV for tabular tasks, a zip of images for images); a
 * validation set is always encoded with the encoding learned on its training set.
 */
import type { Task } from './task.ts';

/** One raw feature column and how it is encoded. */
export type TabularColumn =
  | { name: string; kind: 'numeric'; mean: number; std: number }
  | { name: string; kind: 'categorical'; categories: string[] };

/**
 * The preprocessing learned on a training set: numeric columns standardised,
 * categorical columns one-hot encoded (in the order of `categories`). Plain JSON
 * data, so a template keeps it in its parameters and the ONNX export rebuilds it
 * inside the graph.
 */
export interface TabularEncoding {
  columns: TabularColumn[];
  /** Width of an encoded row: one per numeric column plus one per category. */
  width: number;
}

export interface TabularDataset {
  kind: 'tabular';
  task: 'TABULAR_CLASSIFICATION' | 'TABULAR_REGRESSION';
  size: number;
  encoding: TabularEncoding;
  /** size × encoding.width encoded rows, row-major. */
  x: Float32Array;
  /** Class index (classification) or target value (regression), one per row. */
  y: Float32Array;
  /** Labels in sorted order; index i is class i. Empty for regression. */
  classes: string[];
}

export interface ImageShape { height: number; width: number; channels: 1 | 3 }

export interface ImageDataset {
  kind: 'image';
  task: 'IMAGE_CLASSIFICATION';
  size: number;
  /** Class index per image. */
  y: Float32Array;
  classes: string[];
  /** Pixels scaled to 0–1, size × height × width × channels (NHWC), each image resized to `shape`. */
  images(shape: ImageShape): Float32Array;
}

export type Dataset = TabularDataset | ImageDataset;

/** A tabular query: feature name → value, or the values in the dataset's column order. */
export type TabularQuery = Record<string, number | string | null> | (number | string | null)[];
/** An image query: H×W (grey) or H×W×C pixel values 0–255. */
export type ImageQuery = number[][] | number[][][];

export type DatasetTask = Task;
