/** The dashboard's entry: renders the app into the page the Admin serves at `/`. */
import { render } from 'preact';
import { App } from './app.tsx';

render(<App />, document.getElementById('app')!);
