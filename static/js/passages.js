// The two short public-domain passages the page offers for "your own text" (docs/page.md). Alice's
// opening is also the API's own default text (app/engine/own_data.py; a test keeps the two equal).
// No DOM.

export const PASSAGES = [
  {
    id: "alice",
    title: "Alice's Adventures in Wonderland",
    source: "Lewis Carroll, 1865: the opening",
    text: "Alice was beginning to get very tired of sitting by her sister on the bank, and of having "
      + "nothing to do: once or twice she had peeped into the book her sister was reading, but it had "
      + "no pictures or conversations in it, 'and what is the use of a book,' thought Alice 'without "
      + "pictures or conversations?' So she was considering in her own mind (as well as she could, for "
      + "the hot day made her feel very sleepy and stupid), whether the pleasure of making a "
      + "daisy-chain would be worth the trouble of getting up and picking the daisies, when suddenly a "
      + "White Rabbit with pink eyes ran close by her.",
  },
  {
    id: "austen",
    title: "Pride and Prejudice",
    source: "Jane Austen, 1813: the opening",
    text: "It is a truth universally acknowledged, that a single man in possession of a good fortune, "
      + "must be in want of a wife.\n\nHowever little known the feelings or views of such a man may be "
      + "on his first entering a neighbourhood, this truth is so well fixed in the minds of the "
      + "surrounding families, that he is considered the rightful property of some one or other of "
      + "their daughters.\n\n\"My dear Mr. Bennet,\" said his lady to him one day, \"have you heard "
      + "that Netherfield Park is let at last?\"\n\nMr. Bennet replied that he had not.",
  },
];

/** The passage of an id, or undefined. */
export function passageOf(id) {
  return PASSAGES.find((p) => p.id === id);
}
