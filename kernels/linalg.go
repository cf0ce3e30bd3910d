package kernels

var linearAlgebraKernels = []Kernel{
	{Name: "2mm", Category: "linear-algebra/kernels", Elem: "double", Params: []string{"NI", "NJ", "NK", "NL"},
		Sizes: Sizes{{16, 18, 22, 24}, {40, 50, 70, 80}, {180, 190, 210, 220}, {800, 900, 1100, 1200}, {1600, 1800, 2200, 2400}}},
	{Name: "3mm", Category: "linear-algebra/kernels", Elem: "double", Params: []string{"NI", "NJ", "NK", "NL", "NM"},
		Sizes: Sizes{{16, 18, 20, 22, 24}, {40, 50, 60, 70, 80}, {180, 190, 200, 210, 220}, {800, 900, 1000, 1100, 1200}, {1600, 1800, 2000, 2200, 2400}}},
	{Name: "atax", Category: "linear-algebra/kernels", Elem: "double", Params: []string{"M", "N"},
		Sizes: Sizes{{38, 42}, {116, 124}, {390, 410}, {1900, 2100}, {1800, 2200}}},
	{Name: "bicg", Category: "linear-algebra/kernels", Elem: "double", Params: []string{"M", "N"},
		Sizes: Sizes{{38, 42}, {116, 124}, {390, 410}, {1900, 2100}, {1800, 2200}}},
	{Name: "doitgen", Category: "linear-algebra/kernels", Elem: "double", Params: []string{"NQ", "NR", "NP"},
		Sizes: Sizes{{8, 10, 12}, {20, 25, 30}, {40, 50, 60}, {140, 150, 160}, {220, 250, 270}}},
	{Name: "mvt", Category: "linear-algebra/kernels", Elem: "double", Params: []string{"N"},
		Sizes: Sizes{{40}, {120}, {400}, {2000}, {4000}}},
}
