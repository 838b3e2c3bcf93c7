@main enum SluiceMain { static func main() {} }
