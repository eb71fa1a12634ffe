// The four cells a page offers, one table: the id the URL and the buttons use, the API's cell and
// activation, the label every view writes, the gate blocks in PyTorch's order. No DOM.

export const CELLS = [
  { choice: "rnn-tanh", cell: "rnn", activation: "tanh", label: "RNN tanh", blocks: ["h"],
    equation: "h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)" },
  { choice: "rnn-relu", cell: "rnn", activation: "relu", label: "RNN ReLU", blocks: ["h"],
    equation: "h_t = relu(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)" },
  { choice: "lstm", cell: "lstm", activation: "tanh", label: "LSTM", blocks: ["i", "f", "g", "o"],
    equation: "i, f, g, o gates from x_t and h_{t−1};  c_t = f ⊙ c_{t−1} + i ⊙ g;  h_t = o ⊙ tanh(c_t)" },
  { choice: "gru", cell: "gru", activation: "tanh", label: "GRU", blocks: ["r", "z", "n"],
    equation: "r, z gates;  n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t−1} + b_hn));  h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}" },
];

const BY_CHOICE = new Map(CELLS.map((c) => [c.choice, c]));

/** The table's entry for a choice id ("lstm", "rnn-relu"). */
export function cellByChoice(choice) {
  return BY_CHOICE.get(choice);
}

/** The table's entry for the API's cell and activation ("rnn", "relu"). */
export function cellOf(cell, activation) {
  return CELLS.find((c) => c.cell === cell && (c.cell !== "rnn" || c.activation === activation));
}
