# bench/plot.gp: nesting cost, each operation's median time relative to depth 0.
# Called by report.sh with datafile, outfile and term (png or svg) set.
if (term eq 'png') set terminal pngcairo size 1000,620 font ",10" noenhanced; else set terminal svg size 1000,620 font "sans,11" noenhanced
set output outfile
set title "What nested pid namespaces cost: median time relative to depth 0"
set xlabel "depth of the measuring task below the top's pid namespace"
set ylabel "time / time at depth 0"
set key outside right top
set grid
set xrange [-1:33]
set xtics (0, 1, 2, 4, 8, 16, 32)
plot for [i=2:11] datafile using 1:i with linespoints title columnheader(i)
