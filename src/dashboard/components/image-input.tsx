/**
 * An image query from a file or a drawing: either is drawn into a canvas of the
 * model's input size, and its pixels (0–255, grey or RGB) become the query.
 */
import { useEffect, useRef } from 'preact/hooks';

export interface ImageShape { height: number; width: number; channels: number }

/** The canvas' pixels as the H×W (grey) or H×W×C array the predictor takes. */
function pixels(canvas: HTMLCanvasElement, shape: ImageShape): unknown {
  const small = document.createElement('canvas');
  small.width = shape.width;
  small.height = shape.height;
  const context = small.getContext('2d')!;
  context.drawImage(canvas, 0, 0, shape.width, shape.height);
  const { data } = context.getImageData(0, 0, shape.width, shape.height);
  const rows: unknown[] = [];
  for (let y = 0; y < shape.height; y++) {
    const row: unknown[] = [];
    for (let x = 0; x < shape.width; x++) {
      const i = (y * shape.width + x) * 4;
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      row.push(shape.channels === 1 ? Math.round(0.299 * r + 0.587 * g + 0.114 * b) : shape.channels === 3 ? [r, g, b] : [r, g, b, data[i + 3]!]);
    }
    rows.push(row);
  }
  return rows;
}

const PAD = 280;

export function ImageInput({ shape, onQuery }: { shape: ImageShape; onQuery: (query: unknown) => void }) {
  const pad = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);

  const clear = () => {
    const context = pad.current!.getContext('2d')!;
    context.fillStyle = '#000';
    context.fillRect(0, 0, PAD, PAD);
  };
  useEffect(clear, []);

  const draw = (event: PointerEvent) => {
    if (!drawing.current) return;
    const canvas = pad.current!;
    const box = canvas.getBoundingClientRect();
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.beginPath();
    context.arc(((event.clientX - box.left) * PAD) / box.width, ((event.clientY - box.top) * PAD) / box.height, PAD / 16, 0, 2 * Math.PI);
    context.fill();
  };

  const fromFile = async (event: Event) => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    const bitmap = await createImageBitmap(file);
    const context = pad.current!.getContext('2d')!;
    clear();
    context.drawImage(bitmap, 0, 0, PAD, PAD);
    onQuery(pixels(pad.current!, shape));
  };

  return (
    <div class="image-input">
      <label>An image file<input type="file" accept="image/png,image/jpeg" onChange={fromFile} /></label>
      <p id="pad-help">Or draw in the square (white on black, like the training digits), then press “Predict the drawing”.</p>
      <canvas
        ref={pad} width={PAD} height={PAD} class="pad" role="img" aria-label="Drawing pad" aria-describedby="pad-help"
        onPointerDown={(e) => { drawing.current = true; (e.currentTarget as HTMLCanvasElement).setPointerCapture(e.pointerId); draw(e); }}
        onPointerMove={draw}
        onPointerUp={() => { drawing.current = false; }}
      />
      <div class="buttons">
        <button type="button" onClick={() => onQuery(pixels(pad.current!, shape))}>Predict the drawing</button>
        <button type="button" class="secondary" onClick={clear}>Clear</button>
      </div>
    </div>
  );
}
