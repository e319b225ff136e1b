package render_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/hushflow/hushflow/render"
)

// A shell command quotes each value for where it stands; a value where
// none can stand is refused, naming the variable and its place.
func ExampleEngine_RenderShell() {
	e, err := render.New(nopResolver{})
	if err != nil {
		panic(err)
	}
	vars := map[string]any{"input": map[string]any{"msg": `fix "it"; rm -rf ~`, "files": "a.txt b.txt"}}
	cmd, err := e.RenderShell(context.Background(), "git commit -m {{ input.msg }} -- {{ input.files | shell_words }}", vars)
	fmt.Println(cmd, err)

	_, err = e.RenderShell(context.Background(), "{{ input.msg }} --version", vars)
	fmt.Println(errors.Is(err, render.ErrUntrusted))
	fmt.Println(err)
	// Output:
	// git commit -m 'fix "it"; rm -rf ~' -- a.txt b.txt <nil>
	// true
	// render: line 1, column 1: untrusted data input.msg: the value cannot stand here in a shell command: shell: value in command position: the value would choose the command to run (the first word of a command, after ; && || | ( { newline then do else and the like)
}
