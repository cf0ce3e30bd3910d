package kernels

var medley = []Kernel{
	{Name: "deriche", Category: "medley", Elem: "float", Params: []string{"W", "H"},
		Sizes: Sizes{{64, 64}, {192, 128}, {720, 480}, {4096, 2160}, {7680, 4320}}},
	{Name: "floyd-warshall", Category: "medley", Elem: "int", Params: []string{"N"},
		Sizes: Sizes{{60}, {180}, {500}, {2800}, {5600}}},
	{Name: "nussinov", Category: "medley", Elem: "int", Params: []string{"N"},
		Sizes: Sizes{{60}, {180}, {500}, {2500}, {5500}}},
}
