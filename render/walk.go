package render

// walkNodes calls fn for every node of the tree, parents first, and stops
// descending below a node for which fn returns false.
func walkNodes(nodes []node, fn func(node) bool) {
	for _, n := range nodes {
		if !fn(n) {
			continue
		}
		switch x := n.(type) {
		case *ifNode:
			for _, b := range x.branches {
				walkNodes(b.body, fn)
			}
		case *forNode:
			walkNodes(x.body, fn)
			walkNodes(x.empty, fn)
		case *withNode:
			walkNodes(x.body, fn)
		case *macroNode:
			walkNodes(x.body, fn)
		case *filterBlock:
			walkNodes(x.body, fn)
		}
	}
}

// nodeExprs returns the expressions a node holds itself (not those of the
// nodes in its body).
func nodeExprs(n node) []expr {
	switch x := n.(type) {
	case *outputNode:
		return []expr{x.x}
	case *ifNode:
		var out []expr
		for _, b := range x.branches {
			if b.cond != nil {
				out = append(out, b.cond)
			}
		}
		return out
	case *forNode:
		return []expr{x.iter}
	case *setNode:
		return []expr{x.x}
	case *withNode:
		out := make([]expr, 0, len(x.pairs))
		for _, p := range x.pairs {
			out = append(out, p.val)
		}
		return out
	case *macroNode:
		var out []expr
		for _, p := range x.params {
			if p.val != nil {
				out = append(out, p.val)
			}
		}
		return out
	case *filterBlock:
		out := make([]expr, 0, len(x.chain))
		for _, f := range x.chain {
			out = append(out, f)
		}
		return out
	}
	return nil
}

// walkExpr calls fn for e and every expression inside it, parents first.
func walkExpr(e expr, fn func(expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch x := e.(type) {
	case *pathExpr:
		for _, s := range x.steps {
			walkExpr(s.sub, fn)
		}
	case *callExpr:
		for _, a := range x.args {
			walkExpr(a, fn)
		}
		for _, a := range x.kwargs {
			walkExpr(a.val, fn)
		}
	case *filterExpr:
		walkExpr(x.in, fn)
		for _, a := range x.args {
			walkExpr(a, fn)
		}
		for _, a := range x.kwargs {
			walkExpr(a.val, fn)
		}
	case *unaryExpr:
		walkExpr(x.x, fn)
	case *binaryExpr:
		walkExpr(x.l, fn)
		walkExpr(x.r, fn)
	case *concatExpr:
		for _, it := range x.items {
			walkExpr(it, fn)
		}
	case *listExpr:
		for _, it := range x.items {
			walkExpr(it, fn)
		}
	case *testExpr:
		walkExpr(x.x, fn)
		for _, a := range x.args {
			walkExpr(a, fn)
		}
	}
}

// allExprs calls fn for every expression of the tree.
func allExprs(nodes []node, fn func(expr)) {
	walkNodes(nodes, func(n node) bool {
		for _, e := range nodeExprs(n) {
			walkExpr(e, fn)
		}
		return true
	})
}
