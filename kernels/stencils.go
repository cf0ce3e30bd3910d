package kernels

var stencils = []Kernel{
	{Name: "adi", Category: "stencils", Elem: "double", Params: []string{"TSTEPS", "N"},
		Sizes: Sizes{{20, 20}, {40, 60}, {100, 200}, {500, 1000}, {1000, 2000}}},
	{Name: "fdtd-2d", Category: "stencils", Elem: "double", Params: []string{"TMAX", "NX", "NY"},
		Sizes: Sizes{{20, 20, 30}, {40, 60, 80}, {100, 200, 240}, {500, 1000, 1200}, {1000, 2000, 2600}}},
	{Name: "heat-3d", Category: "stencils", Elem: "double", Params: []string{"TSTEPS", "N"},
		Sizes: Sizes{{20, 10}, {40, 20}, {100, 40}, {500, 120}, {1000, 200}}},
	{Name: "jacobi-1d", Category: "stencils", Elem: "double", Params: []string{"TSTEPS", "N"},
		Sizes: Sizes{{20, 30}, {40, 120}, {100, 400}, {500, 2000}, {1000, 4000}}},
	{Name: "jacobi-2d", Category: "stencils", Elem: "double", Params: []string{"TSTEPS", "N"},
		Sizes: Sizes{{20, 30}, {40, 90}, {100, 250}, {500, 1300}, {1000, 2800}}},
	{Name: "seidel-2d", Category: "stencils", Elem: "double", Params: []string{"TSTEPS", "N"},
		Sizes: Sizes{{20, 40}, {40, 120}, {100, 400}, {500, 2000}, {1000, 4000}}},
}
