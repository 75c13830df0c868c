/**
 * The dashboard's entry point (bundled by tools/build-dashboard.ts into dashboard/dist/app.js): one
 * store, one controller with the browser's storage, URL fragment and fetch, and the Preact view.
 *
 * Why Preact with esbuild's JSX: a 4 kB view library whose components are typed TSX, checked by
 * `tsc` like the rest of the repository, with no build step of its own (esbuild, already used for
 * the runner bundle, compiles the JSX); htm's tagged templates would have left the markup untyped.
 */
import { render } from 'preact';
import { DashboardController } from './controller.ts';
import { Store } from './store.ts';
import { AppView } from './views/app-view.tsx';

const store = new Store();
const controller = new DashboardController({
  store,
  storage: sessionStorage,
  preferences: localStorage,
  fragment: {
    read: () => location.hash,
    write: (fragment) => history.replaceState(null, '', fragment),
  },
});
const root = document.getElementById('root');
if (!root) throw new Error('dashboard: the page has no #root element');
render(<AppView store={store} controller={controller} />, root);
void controller.start();
