from xenreview.entry import main

main()
