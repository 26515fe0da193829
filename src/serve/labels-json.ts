/** Per model, the JSON text of each class label it has predicted. */
const memos = new WeakMap<object, Map<string | number, string>>();

/**
 * The JSON array of a request's predicted labels (what JSON.stringify gives). A model predicts only its
 * own classes, so each label is serialized once per model, not once per prediction.
 */
export function predictionsJson(model: object, labels: ReadonlyArray<string | number>): string {
  let memo = memos.get(model);
  if (memo === undefined) {
    memo = new Map();
    memos.set(model, memo);
  }
  let text = '[';
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as string | number;
    let json = memo.get(label);
    if (json === undefined) {
      json = JSON.stringify(label);
      memo.set(label, json);
    }
    text += i === 0 ? json : `,${json}`;
  }
  return `${text}]`;
}
