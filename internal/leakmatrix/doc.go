// Package leakmatrix holds no code: its test is the project's leak matrix,
// a table of tricky secrets × the encodings a secret takes on its way out ×
// every output path (the redactor's masks, slog handlers, the HTTP
// middleware, and the errors of Load, Decode, Resolve, Render and
// RenderStep). Extend it with one line: a secret, an encoding or an output.
package leakmatrix
