/**
 * An answer already written as JSON (a history page: its messages' JSON comes from the database,
 * chat/view.ts `renderHistory`): the router sends the text as it is. `T` is the value it holds.
 */
export class JsonText<T> {
  declare readonly value?: T;

  constructor(readonly text: string) {}
}
