package kernels

var blas = []Kernel{
	{Name: "gemm", Category: "linear-algebra/blas", Elem: "double", Params: []string{"NI", "NJ", "NK"},
		Sizes: Sizes{{20, 25, 30}, {60, 70, 80}, {200, 220, 240}, {1000, 1100, 1200}, {2000, 2300, 2600}}},
	{Name: "gemver", Category: "linear-algebra/blas", Elem: "double", Params: []string{"N"},
		Sizes: Sizes{{40}, {120}, {400}, {2000}, {4000}}},
	{Name: "gesummv", Category: "linear-algebra/blas", Elem: "double", Params: []string{"N"},
		Sizes: Sizes{{30}, {90}, {250}, {1300}, {2800}}},
	{Name: "symm", Category: "linear-algebra/blas", Elem: "double", Params: []string{"M", "N"},
		Sizes: Sizes{{20, 30}, {60, 80}, {200, 240}, {1000, 1200}, {2000, 2600}}},
	{Name: "syr2k", Category: "linear-algebra/blas", Elem: "double", Params: []string{"M", "N"},
		Sizes: Sizes{{20, 30}, {60, 80}, {200, 240}, {1000, 1200}, {2000, 2600}}},
	{Name: "syrk", Category: "linear-algebra/blas", Elem: "double", Params: []string{"M", "N"},
		Sizes: Sizes{{20, 30}, {60, 80}, {200, 240}, {1000, 1200}, {2000, 2600}}},
	{Name: "trmm", Category: "linear-algebra/blas", Elem: "double", Params: []string{"M", "N"},
		Sizes: Sizes{{20, 30}, {60, 80}, {200, 240}, {1000, 1200}, {2000, 2600}}},
}
