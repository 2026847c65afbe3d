from xenreview.cli import main

main()
