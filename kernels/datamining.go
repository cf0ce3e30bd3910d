package kernels

var datamining = []Kernel{
	{Name: "correlation", Category: "datamining", Elem: "double", Params: []string{"M", "N"},
		Sizes: Sizes{{28, 32}, {80, 100}, {240, 260}, {1200, 1400}, {2600, 3000}}},
	{Name: "covariance", Category: "datamining", Elem: "double", Params: []string{"M", "N"},
		Sizes: Sizes{{28, 32}, {80, 100}, {240, 260}, {1200, 1400}, {2600, 3000}}},
}
