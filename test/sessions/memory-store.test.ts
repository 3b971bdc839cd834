import { memorySessions } from '../../src';
import { describeSessionStore } from './store-conformance';

describeSessionStore('memorySessions()', async () => {
  const store = memorySessions();
  // What the process holds is the store's maps: their serialised form is what sits "at rest".
  const dump = async () => JSON.stringify(store, (_key, value: unknown) => (value instanceof Map ? [...value.entries()] : value instanceof Set ? [...value] : value));
  return { store, dump, close: async () => undefined };
});
