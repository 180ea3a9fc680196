print("facemesh")
