package kernels

var solvers = []Kernel{
	{Name: "cholesky", Category: "linear-algebra/solvers", Elem: "double", Params: []string{"N"},
		Sizes: Sizes{{40}, {120}, {400}, {2000}, {4000}}},
	{Name: "durbin", Category: "linear-algebra/solvers", Elem: "double", Params: []string{"N"},
		Sizes: Sizes{{40}, {120}, {400}, {2000}, {4000}}},
	{Name: "gramschmidt", Category: "linear-algebra/solvers", Elem: "double", Params: []string{"M", "N"},
		Sizes: Sizes{{20, 30}, {60, 80}, {200, 240}, {1000, 1200}, {2000, 2600}}},
	{Name: "lu", Category: "linear-algebra/solvers", Elem: "double", Params: []string{"N"},
		Sizes: Sizes{{40}, {120}, {400}, {2000}, {4000}}},
	{Name: "ludcmp", Category: "linear-algebra/solvers", Elem: "double", Params: []string{"N"},
		Sizes: Sizes{{40}, {120}, {400}, {2000}, {4000}}},
	{Name: "trisolv", Category: "linear-algebra/solvers", Elem: "double", Params: []string{"N"},
		Sizes: Sizes{{40}, {120}, {400}, {2000}, {4000}}},
}
